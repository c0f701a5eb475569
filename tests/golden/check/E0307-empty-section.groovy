pipeline {
    agent any
    options {
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
