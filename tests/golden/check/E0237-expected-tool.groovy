pipeline {
    agent any
    tools {
        maven
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
