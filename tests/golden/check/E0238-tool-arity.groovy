pipeline {
    agent any
    tools {
        maven 'M3', 'M4'
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
