pipeline {
    agent any
    options {
        timeout(time: 1, unit: 'HOURS') {
            echo 'x'
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
