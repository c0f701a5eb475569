pipeline {
    agent {
        docker {
            image 'maven:3', 'gradle:8'
        }
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
